use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "inventory_0001_create_inventory"
    }
}

#[derive(DeriveIden)]
enum InventoryItem {
    Table,
    Id,
    Sku,
    Title,
    Description,
    Thumbnail,
    OriginCountry,
    HsCode,
    MidCode,
    Material,
    Weight,
    Length,
    Height,
    Width,
    RequiresShipping,
    Metadata,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum InventoryLevel {
    Table,
    Id,
    InventoryItemId,
    LocationId,
    StockedQuantity,
    ReservedQuantity,
    IncomingQuantity,
    Metadata,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReservationItem {
    Table,
    Id,
    LineItemId,
    InventoryItemId,
    LocationId,
    Quantity,
    AllowBackorder,
    ExternalId,
    Description,
    CreatedBy,
    Metadata,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProductVariantInventoryItem {
    Table,
    VariantId,
    InventoryItemId,
    RequiredQuantity,
    CreatedAt,
    UpdatedAt,
}

fn timestamp(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn quantity(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .default(0)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(InventoryItem::Table)
                .col(
                    ColumnDef::new(InventoryItem::Id)
                        .string()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(InventoryItem::Sku).string().null())
                .col(ColumnDef::new(InventoryItem::Title).string().null())
                .col(ColumnDef::new(InventoryItem::Description).text().null())
                .col(ColumnDef::new(InventoryItem::Thumbnail).string().null())
                .col(ColumnDef::new(InventoryItem::OriginCountry).string().null())
                .col(ColumnDef::new(InventoryItem::HsCode).string().null())
                .col(ColumnDef::new(InventoryItem::MidCode).string().null())
                .col(ColumnDef::new(InventoryItem::Material).string().null())
                .col(ColumnDef::new(InventoryItem::Weight).big_integer().null())
                .col(ColumnDef::new(InventoryItem::Length).big_integer().null())
                .col(ColumnDef::new(InventoryItem::Height).big_integer().null())
                .col(ColumnDef::new(InventoryItem::Width).big_integer().null())
                .col(
                    ColumnDef::new(InventoryItem::RequiresShipping)
                        .boolean()
                        .not_null()
                        .default(true),
                )
                .col(ColumnDef::new(InventoryItem::Metadata).json_binary().null())
                .col(timestamp(InventoryItem::CreatedAt))
                .col(timestamp(InventoryItem::UpdatedAt))
                .col(
                    ColumnDef::new(InventoryItem::DeletedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .to_owned(),
        )
        .await?;
        // A sku is unique among live items, so a deleted item's sku can be reused.
        m.create_index(
            Index::create()
                .name("idx_inventory_item_sku_unique")
                .table(InventoryItem::Table)
                .col(InventoryItem::Sku)
                .unique()
                .and_where(Expr::col(InventoryItem::DeletedAt).is_null())
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(InventoryLevel::Table)
                .col(
                    ColumnDef::new(InventoryLevel::Id)
                        .string()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(InventoryLevel::InventoryItemId)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(InventoryLevel::LocationId)
                        .string()
                        .not_null(),
                )
                .col(quantity(InventoryLevel::StockedQuantity))
                .col(quantity(InventoryLevel::ReservedQuantity))
                .col(quantity(InventoryLevel::IncomingQuantity))
                .col(
                    ColumnDef::new(InventoryLevel::Metadata)
                        .json_binary()
                        .null(),
                )
                .col(timestamp(InventoryLevel::CreatedAt))
                .col(timestamp(InventoryLevel::UpdatedAt))
                // Last line of defence for the invariant reserved = sum(reservations) >= 0
                // (Medusa #12401: negative reserved quantities).
                .check((
                    "chk_inventory_level_reserved_not_negative",
                    Expr::col(InventoryLevel::ReservedQuantity).gte(0),
                ))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_inventory_level_item")
                        .from(InventoryLevel::Table, InventoryLevel::InventoryItemId)
                        .to(InventoryItem::Table, InventoryItem::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_inventory_level_item_location_unique")
                .table(InventoryLevel::Table)
                .col(InventoryLevel::InventoryItemId)
                .col(InventoryLevel::LocationId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_inventory_level_location_id")
                .table(InventoryLevel::Table)
                .col(InventoryLevel::LocationId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReservationItem::Table)
                .col(
                    ColumnDef::new(ReservationItem::Id)
                        .string()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(ReservationItem::LineItemId).string().null())
                .col(
                    ColumnDef::new(ReservationItem::InventoryItemId)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReservationItem::LocationId)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReservationItem::Quantity)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReservationItem::AllowBackorder)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(ColumnDef::new(ReservationItem::ExternalId).string().null())
                .col(ColumnDef::new(ReservationItem::Description).text().null())
                .col(ColumnDef::new(ReservationItem::CreatedBy).string().null())
                .col(
                    ColumnDef::new(ReservationItem::Metadata)
                        .json_binary()
                        .null(),
                )
                .col(timestamp(ReservationItem::CreatedAt))
                .col(timestamp(ReservationItem::UpdatedAt))
                .check((
                    "chk_reservation_item_quantity_positive",
                    Expr::col(ReservationItem::Quantity).gt(0),
                ))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_reservation_item_item")
                        .from(ReservationItem::Table, ReservationItem::InventoryItemId)
                        .to(InventoryItem::Table, InventoryItem::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_reservation_item_line_item_id")
                .table(ReservationItem::Table)
                .col(ReservationItem::LineItemId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_reservation_item_item_location")
                .table(ReservationItem::Table)
                .col(ReservationItem::InventoryItemId)
                .col(ReservationItem::LocationId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ProductVariantInventoryItem::Table)
                .col(
                    ColumnDef::new(ProductVariantInventoryItem::VariantId)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ProductVariantInventoryItem::InventoryItemId)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ProductVariantInventoryItem::RequiredQuantity)
                        .big_integer()
                        .not_null()
                        .default(1),
                )
                .col(timestamp(ProductVariantInventoryItem::CreatedAt))
                .col(timestamp(ProductVariantInventoryItem::UpdatedAt))
                // Leading variant_id: availability is looked up by variant.
                .primary_key(
                    Index::create()
                        .col(ProductVariantInventoryItem::VariantId)
                        .col(ProductVariantInventoryItem::InventoryItemId),
                )
                .check((
                    "chk_pvii_required_quantity_positive",
                    Expr::col(ProductVariantInventoryItem::RequiredQuantity).gt(0),
                ))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_pvii_inventory_item")
                        .from(
                            ProductVariantInventoryItem::Table,
                            ProductVariantInventoryItem::InventoryItemId,
                        )
                        .to(InventoryItem::Table, InventoryItem::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_pvii_inventory_item_id")
                .table(ProductVariantInventoryItem::Table)
                .col(ProductVariantInventoryItem::InventoryItemId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ProductVariantInventoryItem::Table.into_iden(),
            ReservationItem::Table.into_iden(),
            InventoryLevel::Table.into_iden(),
            InventoryItem::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
